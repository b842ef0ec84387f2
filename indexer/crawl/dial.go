package crawl

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateAddress is matched (with errors.Is) by the failure to fetch
// from an address of a private, loopback, link-local, multicast or other
// non-public network while Config.AllowPrivate is off.
var ErrPrivateAddress = errors.New("address is not public")

// AddressError reports a refused network address.
type AddressError struct {
	Addr netip.Addr
	Kind string // "loopback", "private", "link-local", …
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("refused to connect to %s: a %s address (fetching from private networks is not allowed)", e.Addr, e.Kind)
}

// Is makes errors.Is(err, ErrPrivateAddress) true.
func (e *AddressError) Is(target error) bool { return target == ErrPrivateAddress }

// nonPublic lists special-purpose ranges beyond those netip classifies,
// from the IANA special-purpose address registries.
var nonPublic = []struct {
	prefix netip.Prefix
	kind   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
}

// Prefixes of IPv6 addresses that embed an IPv4 address in their last (or,
// for 6to4, second and third) 32 bits.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// CheckAddr returns an *AddressError when a is not a public unicast
// address: loopback, private (RFC 1918, unique local), link-local,
// multicast, unspecified, or another special-purpose range. IPv4 addresses
// embedded in IPv6 ones (mapped, NAT64, 6to4) are checked as IPv4.
func CheckAddr(a netip.Addr) error {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64Prefix.Contains(a):
			if err := CheckAddr(netip.AddrFrom4([4]byte(b[12:16]))); err != nil {
				return &AddressError{Addr: a, Kind: "NAT64 " + err.(*AddressError).Kind}
			}
		case sixToFour.Contains(a):
			if err := CheckAddr(netip.AddrFrom4([4]byte(b[2:6]))); err != nil {
				return &AddressError{Addr: a, Kind: "6to4 " + err.(*AddressError).Kind}
			}
		}
	}
	kind := ""
	switch {
	case !a.IsValid():
		kind = "invalid"
	case a.IsUnspecified():
		kind = "unspecified"
	case a.IsLoopback():
		kind = "loopback"
	case a.IsPrivate():
		kind = "private"
	case a.IsLinkLocalUnicast():
		kind = "link-local"
	case a.IsMulticast():
		kind = "multicast"
	default:
		for _, r := range nonPublic {
			if r.prefix.Contains(a) {
				kind = r.kind
				break
			}
		}
	}
	if kind == "" {
		return nil
	}
	return &AddressError{Addr: a, Kind: kind}
}

// newDialer returns a dialer that checks every address it connects to,
// after name resolution, so that neither a name resolving to a private
// address nor DNS rebinding between check and use gets past it.
func newDialer(check func(netip.Addr) error) *net.Dialer {
	return &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, err)
			}
			return check(ap.Addr())
		},
	}
}
