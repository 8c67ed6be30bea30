# instance/port
tofu import portsdk_alaya_port.api 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0/8080
