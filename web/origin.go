package web

// Where requests may come from: the Host allowlist and the cross-site rule.
//
// # Host allowlist
//
// A browser tricked by DNS rebinding sends the attacker's name as Host, so
// the server answers only the names it is reached at: the host of every
// Config.PublicURLs entry, the listen address (Config.ListenAddr), and
// localhost, 127.0.0.1 and [::1], all with their port. On a wildcard
// listen address (0.0.0.0, [::]) any IP address with the listen port is
// accepted too: a rebinding page always sends a name, and an address
// typed as an IP is one the browser really connected to. Without a
// listen address the loopback names are accepted on any port. Any other
// Host gets 421 Misdirected Request. /healthz and /readyz are exempt:
// load balancers probe them by IP and they reveal nothing.
//
// # Cross-site writes
//
// A request with any method but GET, HEAD and OPTIONS is refused with 403
// when the browser says another site sent it: Sec-Fetch-Site is neither
// same-origin nor none, or Origin is not this server's own origin (a
// public URL, or the request's allowlisted Host). "Origin: null" is
// foreign. Requests without either header (curl, scripts) are not
// browsers a page could trick, and go on to the token rules.
//
// # Absolute links
//
// Links that leave the page (canonical, permalink, citation, feed ids)
// are built by baseURL: the first public URL, else the request's
// allowlisted Host. X-Forwarded-Host and X-Forwarded-Proto are never used.

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ParsePublicURL checks an address the server is reached at, such as
// "https://kb.example.org" or "http://10.0.0.5:8080": an http or https
// URL with a host, and no user, path (other than "/"), query or fragment,
// since Fundus links from the root of its host. It returns the URL with
// the host in lower case and no trailing slash.
func ParsePublicURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%q: the scheme must be http or https", raw)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("%q has no host", raw)
	case u.User != nil:
		return nil, fmt.Errorf("%q must not hold a user name or password", raw)
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.ForceQuery, u.Fragment != "":
		return nil, fmt.Errorf("%q: give scheme and host only (Fundus is served from the root of its host, without a path)", raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q has an invalid port", raw)
		}
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}, nil
}

// hostKey is a host (lower case, without brackets or trailing dot) and a
// port ("" when none was given).
type hostKey struct{ host, port string }

// splitHost splits a Host header or URL host into a hostKey.
func splitHost(hostport string) hostKey {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	host = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), ".")
	return hostKey{strings.ToLower(host), port}
}

// defaultPort is the port a URL of the scheme has when it names none.
func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// loopbackNames are the names of this machine a local browser uses.
var loopbackNames = []string{"localhost", "127.0.0.1", "::1"}

// hostPolicy is the Host allowlist.
type hostPolicy struct {
	allowed map[hostKey]bool
	// anyIPPort accepts any IP address with this port (a wildcard
	// listen address); anyLoopbackPort the loopback names on any port
	// (no listen address configured).
	anyIPPort       string
	anyLoopbackPort bool
}

func newHostPolicy(cfg Config) *hostPolicy {
	p := &hostPolicy{allowed: map[hostKey]bool{}}
	add := func(host, port, dflt string) {
		p.allowed[hostKey{host, port}] = true
		if port == dflt {
			p.allowed[hostKey{host, ""}] = true
		}
	}
	for _, u := range cfg.PublicURLs {
		k := splitHost(u.Host)
		if k.port == "" {
			k.port = defaultPort(u.Scheme)
		}
		add(k.host, k.port, defaultPort(u.Scheme))
	}
	if cfg.ListenAddr == "" {
		p.anyLoopbackPort = true
		return p
	}
	k := splitHost(cfg.ListenAddr)
	if ip := net.ParseIP(k.host); k.host == "" || (ip != nil && ip.IsUnspecified()) {
		p.anyIPPort = k.port
	} else {
		add(k.host, k.port, "80")
	}
	for _, name := range loopbackNames {
		add(name, k.port, "80")
	}
	return p
}

// allows reports whether a request's Host names this server.
func (p *hostPolicy) allows(host string) bool {
	k := splitHost(host)
	if k.host == "" {
		return false
	}
	if p.allowed[k] {
		return true
	}
	for _, name := range loopbackNames {
		if p.anyLoopbackPort && k.host == name {
			return true
		}
	}
	if p.anyIPPort != "" && net.ParseIP(k.host) != nil {
		return k.port == p.anyIPPort || (k.port == "" && p.anyIPPort == "80")
	}
	return false
}

// hostExempt are the paths answered whatever the Host: health checks.
func hostExempt(path string) bool { return path == "/healthz" || path == "/readyz" }

// safeMethod reports whether a method only reads.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkRequestOrigin applies the Host allowlist and the cross-site rule to
// r. It returns nil or the error to answer with.
func (s *Server) checkRequestOrigin(r *http.Request) error {
	if !hostExempt(r.URL.Path) && !s.hosts.allows(r.Host) {
		return &apiError{status: http.StatusMisdirectedRequest, code: "unknown_host",
			msg: fmt.Sprintf("this server is not configured to be reached as %q; if it is, start it with --public-url http://%s (or https://…) or set FUNDUS_PUBLIC_URL", r.Host, r.Host)}
	}
	if safeMethod(r.Method) {
		return nil
	}
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return &apiError{status: http.StatusForbidden, code: "cross_site",
			msg: fmt.Sprintf("refused: the browser says another site sent this request (Sec-Fetch-Site: %s); writes are accepted from this server's own pages only", site)}
	}
	if origin, ok := r.Header["Origin"]; ok {
		o := ""
		if len(origin) == 1 {
			o = origin[0]
		}
		if !s.ownOrigin(r, o) {
			return &apiError{status: http.StatusForbidden, code: "cross_site",
				msg: fmt.Sprintf("refused: the request comes from a page of %q, not of this server; if this server is reached at that address, start it with --public-url naming it", o)}
		}
	}
	return nil
}

// ownOrigin reports whether origin (an Origin header) is this server's:
// a public URL, or the scheme and Host of the request.
func (s *Server) ownOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") {
		return false // "null", or not a web page's origin
	}
	o := splitHost(u.Host)
	if o.port == "" {
		o.port = defaultPort(u.Scheme)
	}
	for _, pu := range s.cfg.PublicURLs {
		k := splitHost(pu.Host)
		if k.port == "" {
			k.port = defaultPort(pu.Scheme)
		}
		if pu.Scheme == u.Scheme && k == o {
			return true
		}
	}
	h := splitHost(r.Host)
	if h.port == "" {
		h.port = defaultPort(u.Scheme)
	}
	return h == o
}

// originGuard answers requests that checkRequestOrigin refuses, as JSON on
// the API and as a page elsewhere. It reports whether r may go on.
func (s *Server) originGuard(w http.ResponseWriter, r *http.Request) bool {
	err := s.checkRequestOrigin(r)
	if err == nil {
		return true
	}
	var ae *apiError
	if errors.As(err, &ae) && ae.status == http.StatusMisdirectedRequest {
		s.log.Warn("request for an unknown host refused", "host", r.Host, "path", r.URL.Path, "client", clientIP(r))
	} else {
		s.log.Warn("cross-site request refused", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"), "client", clientIP(r))
	}
	if isAPIPath(r.URL.Path) {
		s.writeError(w, r, err)
	} else {
		s.page(func(w http.ResponseWriter, r *http.Request, v *view) error { return err }).ServeHTTP(w, r)
	}
	return false
}

// baseURL is the scheme and host of the absolute links Fundus writes: the
// first public URL, else the request's Host (which the allowlist has
// checked) with http, or https when the connection is TLS.
func (s *Server) baseURL(r *http.Request) string {
	if len(s.cfg.PublicURLs) > 0 {
		u := s.cfg.PublicURLs[0]
		return u.Scheme + "://" + u.Host
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
