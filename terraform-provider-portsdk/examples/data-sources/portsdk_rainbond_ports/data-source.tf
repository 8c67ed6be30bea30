data "portsdk_rainbond_ports" "all" {
  team      = "demo-team"
  region    = "demo-region"
  app       = 1
  component = "gr1a2b3c"
}

output "open_outer" {
  value = [for p in data.portsdk_rainbond_ports.all.ports : p.port if p.outer]
}
