resource "portsdk_rainbond_port" "web" {
  team      = "demo-team"
  region    = "demo-region"
  app       = 1
  component = "gr1a2b3c"
  port      = 8080
  protocol  = "http"
  inner     = true
  outer     = true
  alias     = "WEB"
}
