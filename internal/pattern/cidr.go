package pattern

import (
	"net/netip"
	"strconv"
	"strings"
)

// ipv4Like mirrors event-ruler's IPv4 regex [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+,
// the gate before a string is parsed as an address.
func ipv4Like(s string) bool {
	groups, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			if digits == 0 {
				return false
			}
			groups++
			digits = 0
		default:
			return false
		}
	}
	return groups == 3 && digits > 0
}

// ipv6Like mirrors event-ruler's IPv6 regex [0-9a-fA-F:]*:[0-9a-fA-F:]*.
func ipv6Like(s string) bool {
	colon := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':':
			colon = true
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return colon
}

// parseIP parses an IP literal the way event-ruler accepts one: the regex
// gate, then the platform parser; an IPv4-mapped IPv6 address is an IPv4
// address, as Java's InetAddress makes it.
func parseIP(s string) (netip.Addr, bool) {
	if ipv4Like(s) {
		return parseIPv4(s)
	}
	if !ipv6Like(s) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// parseIPv4 parses a dotted quad already shaped by ipv4Like; like netip it
// refuses octets above 255 and leading zeros.
func parseIPv4(s string) (netip.Addr, bool) {
	var b [4]byte
	o, digits, v := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits > 1 && s[i-digits] == '0' {
				return netip.Addr{}, false
			}
			b[o] = byte(v)
			o, digits, v = o+1, 0, 0
			continue
		}
		v = v*10 + int(s[i]-'0')
		digits++
		if v > 255 {
			return netip.Addr{}, false
		}
	}
	return netip.AddrFrom4(b), true
}

// ipRange is an inclusive range of addresses of one family.
type ipRange struct{ lo, hi netip.Addr }

func (r *ipRange) contains(a netip.Addr) bool {
	return a.Is4() == r.lo.Is4() && r.lo.Compare(a) <= 0 && a.Compare(r.hi) <= 0
}

// javaSplit is Java's String.split on a one-character literal: trailing empty
// strings are dropped.
func javaSplit(s string, sep string) []string {
	if !strings.Contains(s, sep) {
		return []string{s}
	}
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// parseCIDR compiles a "cidr" operand. As in event-ruler the range starts at
// the address as written (host bits are not cleared) and ends at that
// address with every host bit set; a /32 (IPv4) or /128 (IPv6) is refused.
func parseCIDR(text string) (ipRange, string) {
	parts := javaSplit(text, "/")
	if len(parts) != 2 {
		return ipRange{}, "Malformed CIDR, one '/' required"
	}
	bits, err := strconv.ParseInt(parts[1], 10, 32)
	if err != nil {
		return ipRange{}, "Malformed CIDR, mask bits must be an integer"
	}
	if bits < 0 {
		return ipRange{}, "Malformed CIDR, mask bits must not be negative"
	}
	if !ipv4Like(parts[0]) && !ipv6Like(parts[0]) {
		return ipRange{}, "Nonstandard IP address: " + parts[0]
	}
	a, ok := parseIP(parts[0])
	if !ok {
		return ipRange{}, "Invalid IP address: " + parts[0]
	}
	if a.Is4() {
		if bits > 31 {
			return ipRange{}, "IPv4 mask bits must be < 32"
		}
		b := a.As4()
		setHostBits(b[:], int(bits))
		return ipRange{lo: a, hi: netip.AddrFrom4(b)}, ""
	}
	if bits > 127 {
		return ipRange{}, "IPv6 mask bits must be < 128"
	}
	b := a.As16()
	setHostBits(b[:], int(bits))
	return ipRange{lo: a, hi: netip.AddrFrom16(b)}, ""
}

func setHostBits(b []byte, prefix int) {
	for i := range b {
		switch {
		case prefix >= 8:
			prefix -= 8
		case prefix <= 0:
			b[i] = 0xff
		default:
			b[i] |= 0xff >> prefix
			prefix = 0
		}
	}
}
