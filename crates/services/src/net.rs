//! Addresses: IP ranges (CIDR) for `JOBBOT_ADMIN_ALLOW`, and a client's TCP connection as the kernel sees it.

use std::net::IpAddr;

/// An IPv4 or IPv6 range, `10.0.0.0/8` or `2001:db8::/32`; a bare address is a range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(raw: &str) -> Option<Self> {
        let (address, prefix) = match raw.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix.parse::<u8>().ok()?)),
            None => (raw.trim(), None),
        };
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 client.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// A client's TCP connection: the port it reached and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Connection {
    pub local_port: u16,
    pub peer: std::net::SocketAddr,
}

impl Connection {
    /// Whether it is still open as the kernel sees it (Linux: `/proc/net/tcp` and `tcp6`, this process's
    /// network namespace): `Some(false)` once the client has closed it (the server's end waits in
    /// CLOSE_WAIT) or reset it (gone from the table). `None` where that cannot be told (no `/proc`).
    /// actix-web keeps running a handler whose client has left, so long work asks this from time to time.
    pub fn is_open(&self) -> Option<bool> {
        let (v4, v6) = match self.peer.ip() {
            IpAddr::V4(ip) => (Some(ip), ip.to_ipv6_mapped()),
            IpAddr::V6(ip) => (ip.to_ipv4_mapped(), ip),
        };
        let local = format!(":{:04X}", self.local_port);
        let port = format!(":{:04X}", self.peer.port());
        let tables = [
            ("/proc/net/tcp", v4.map(|ip| proc_hex(&ip.octets()))),
            ("/proc/net/tcp6", Some(proc_hex(&v6.octets()))),
        ];
        let mut readable = false;
        let mut seen = false;
        for (file, address) in tables {
            let Some(address) = address else { continue };
            let Ok(table) = std::fs::read_to_string(file) else {
                continue;
            };
            readable = true;
            let remote = format!("{address}{port}");
            for line in table.lines().skip(1) {
                let mut fields = line.split_whitespace().skip(1);
                let (Some(ours), Some(theirs), Some(state)) = (fields.next(), fields.next(), fields.next())
                else {
                    continue;
                };
                if theirs == remote && ours.ends_with(&local) {
                    // 01: ESTABLISHED. An older connection of the same addresses may linger (TIME_WAIT).
                    if state == "01" {
                        return Some(true);
                    }
                    seen = true;
                }
            }
        }
        (readable || seen).then_some(false)
    }
}

/// An address as `/proc/net/tcp*` writes it: each 32-bit word in the machine's byte order, in hex.
fn proc_hex(octets: &[u8]) -> String {
    octets
        .chunks(4)
        .map(|word| {
            let word: [u8; 4] = [word[0], word[1], word[2], word[3]];
            format!("{:08X}", u32::from_ne_bytes(word))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_contain_what_they_should() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        let lan = Cidr::parse("10.0.0.0/8").expect("cidr");
        assert!(lan.contains(ip("10.20.30.40")) && !lan.contains(ip("11.0.0.1")));
        assert!(lan.contains(ip("::ffff:10.1.1.1")), "IPv4-mapped IPv6");
        let one = Cidr::parse("192.0.2.7").expect("a bare address");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6 = Cidr::parse("2001:db8::/32").expect("v6");
        assert!(v6.contains(ip("2001:db8:1::5")) && !v6.contains(ip("2001:db9::1")));
        assert!(Cidr::parse("0.0.0.0/0").expect("all").contains(ip("203.0.113.9")));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("nope"), None);
    }

    #[test]
    fn addresses_are_written_as_the_kernel_writes_them() {
        let loopback = std::net::Ipv4Addr::LOCALHOST.octets();
        let expected = if cfg!(target_endian = "little") {
            "0100007F"
        } else {
            "7F000001"
        };
        assert_eq!(proc_hex(&loopback), expected);
        assert_eq!(proc_hex(&std::net::Ipv6Addr::UNSPECIFIED.octets()).len(), 32);
    }

    /// A real connection on loopback: open while both ends are, closed once the client has gone.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_connection_is_open_until_its_client_closes_it() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let local_port = listener.local_addr().expect("addr").port();
        let client = std::net::TcpStream::connect(("127.0.0.1", local_port)).expect("connect");
        let (_server_end, peer) = listener.accept().expect("accept");
        let connection = Connection { local_port, peer };
        assert_eq!(connection.is_open(), Some(true));
        drop(client);
        let mut open = connection.is_open();
        for _ in 0..50 {
            if open == Some(false) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            open = connection.is_open();
        }
        assert_eq!(open, Some(false));
    }
}

/// An http(s) address as the OpenAPI document's pattern for it says (`openapi_rules::url`): the scheme, then
/// no space and no square bracket (an unclosed IPv6 host such as "https://[" is no address; a link to an IPv6
/// literal is not one a candidate gives).
pub fn is_web_address(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && !text
            .chars()
            .any(|c| jobbot_domain::text::is_space(c) || c == '[' || c == ']')
}

#[cfg(test)]
mod address_tests {
    #[test]
    fn web_addresses_are_the_schemas() {
        for ok in [
            "https://lea.example.fr",
            "http://localhost:8080/x",
            "https://www.example.com/offres?id=4#a",
        ] {
            assert!(super::is_web_address(ok), "{ok}");
        }
        for bad in [
            "https://[",
            "http://[::1]/",
            "ftp://example.fr",
            "https://exa mple.fr",
            "https://a]b",
            "example.fr",
        ] {
            assert!(!super::is_web_address(bad), "{bad}");
        }
    }
}
