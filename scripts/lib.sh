# Shell helpers shared by the scripts that start servers (sourced, never run).

# A TCP port free on loopback right now, chosen by the kernel.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
