data "portsdk_alaya_ports" "all" {
  instance = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"
}

output "custom_endpoints" {
  value = { for p in data.portsdk_alaya_ports.all.custom_ports : p.port => "${p.external_host}:${p.external_port}" }
}
