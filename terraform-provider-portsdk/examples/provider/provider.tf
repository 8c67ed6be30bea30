terraform {
  required_providers {
    portsdk = {
      source = "portsdk/portsdk"
    }
  }
}

# Every attribute falls back to an environment variable: RAINBOND_URL, RAINBOND_TOKEN, ALAYA_URL,
# ALAYA_ACCESS_KEY, ALAYA_SECRET_KEY, ALAYA_API_KEY. Blocks are needed only to set values in HCL.
provider "portsdk" {
  rainbond {
    url = "https://console.example.com"
    # token: RAINBOND_TOKEN
  }
  alaya {
    # access_key and secret_key: ALAYA_ACCESS_KEY and ALAYA_SECRET_KEY
  }
}
