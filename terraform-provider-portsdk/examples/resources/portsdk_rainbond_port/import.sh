# team/region/app/component/port
tofu import portsdk_rainbond_port.web demo-team/demo-region/1/gr1a2b3c/8080
