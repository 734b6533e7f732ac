package server

import (
	"net"
	"net/http"
)

// sourceIP is the address of the client of r, without the port.
func sourceIP(r *http.Request) string {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return ip
}
