resource "portsdk_alaya_port" "api" {
  instance = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"
  port     = 8080
  protocol = "http/https"
}

output "api_endpoint" {
  value = "${portsdk_alaya_port.api.external_host}:${portsdk_alaya_port.api.external_port}"
}
