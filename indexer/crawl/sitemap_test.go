package crawl

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/internal/tabletest"
)

func TestParseSitemap(t *testing.T) {
	for name, tc := range map[string]struct {
		data string
		kind string
		locs []string
		err  bool
	}{
		"urlset": {
			data: urlset("https://example.org/a?x=1&amp;y=2", "https://example.org/b"),
			kind: sitemapURLSet, locs: []string{"https://example.org/a?x=1&y=2", "https://example.org/b"},
		},
		"index": {
			data: sitemapindex("https://example.org/s1.xml"),
			kind: sitemapIndex, locs: []string{"https://example.org/s1.xml"},
		},
		"images are not pages": {
			data: `<urlset xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"><url><loc>https://example.org/a</loc><image:image><image:loc>https://example.org/a.png</image:loc></image:image></url></urlset>`,
			kind: sitemapURLSet, locs: []string{"https://example.org/a"},
		},
		"other XML": {data: `<?xml version="1.0"?><rss><channel><link>x</link></channel></rss>`},
		"HTML":      {data: `<!DOCTYPE html><html><body>x</body></html>`},
		"text":      {data: "just text"},
		"broken off": {
			data: `<urlset><url><loc>https://example.org/a</loc></url><url><loc>https://exa`,
			kind: sitemapURLSet, locs: []string{"https://example.org/a"}, err: true,
		},
		"latin-1 declared": {
			data: `<?xml version="1.0" encoding="ISO-8859-1"?><urlset><url><loc>https://example.org/a</loc></url></urlset>`,
			kind: sitemapURLSet, locs: []string{"https://example.org/a"},
		},
	} {
		kind, locs, err := parseSitemap([]byte(tc.data))
		if kind != tc.kind || !slices.Equal(locs, tc.locs) || (err != nil) != tc.err {
			t.Errorf("%s: %q %q %v", name, kind, locs, err)
		}
	}
	kind, locs, err := parseSitemap([]byte(gz(t, urlset("https://example.org/z"))))
	if kind != sitemapURLSet || !slices.Equal(locs, []string{"https://example.org/z"}) || err != nil {
		t.Errorf("gzip: %q %q %v", kind, locs, err)
	}
}

func TestFormatBytes(t *testing.T) {
	tabletest.Map(t, "formatBytes", formatBytes, map[int64]string{10 << 20: "10 MiB", 64 << 10: "64 KiB", 1000: "1000 bytes", 3<<20 + 1: "3.0 MiB"})
}

func TestCheckAddr(t *testing.T) {
	for addr, kind := range map[string]string{
		"127.0.0.1":          "loopback",
		"127.1.2.3":          "loopback",
		"::1":                "loopback",
		"::ffff:127.0.0.1":   "loopback",
		"10.1.2.3":           "private",
		"172.16.0.1":         "private",
		"192.168.1.1":        "private",
		"fd00::1":            "private",
		"169.254.169.254":    "link-local", // cloud metadata
		"fe80::1":            "link-local",
		"224.0.0.1":          "multicast",
		"ff02::1":            "multicast",
		"0.0.0.0":            "unspecified",
		"::":                 "unspecified",
		"100.64.0.1":         "shared (carrier-grade NAT)",
		"255.255.255.255":    "reserved",
		"64:ff9b::a00:1":     "NAT64 private",
		"2002:7f00:1::1":     "6to4 loopback",
		"93.184.216.34":      "",
		"2606:4700:4700::64": "",
		"8.8.8.8":            "",
	} {
		err := CheckAddr(netip.MustParseAddr(addr))
		switch {
		case kind == "" && err != nil:
			t.Errorf("%s: %v", addr, err)
		case kind != "" && (err == nil || err.(*AddressError).Kind != kind):
			t.Errorf("%s: %v, want %s", addr, err, kind)
		case err != nil && !strings.Contains(err.Error(), "refused"):
			t.Errorf("%s: message %q", addr, err)
		}
	}
}
