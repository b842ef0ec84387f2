package crawl

import (
	"testing"
	"time"

	"github.com/fundus-kb/fundus/internal/tabletest"
)

func TestRobotsRules(t *testing.T) {
	const robots = `# comment
User-agent: Googlebot
Disallow: /

User-agent: *
Disallow: /private
Disallow: /tmp/   # trailing comment
Allow: /private/public
Disallow: /*.pdf$
Disallow: /fish*.php
Disallow: /page
Allow: /page
Disallow: /%7Ejoe/
Disallow: /caf%c3%a9
Disallow: /a%2fb
Disallow: /q?x=
Disallow:
Crawl-delay: 2.5
Sitemap: https://example.org/sitemap.xml
`
	r := parseRobots([]byte(robots), "fundus")
	tabletest.Map(t, "r.allowed", r.allowed, map[string]bool{
		"/":                    true,
		"/robots.txt":          true,
		"/private":             false,
		"/private/x":           false,
		"/private/public":      true, // longer Allow wins
		"/private/public/x":    true,
		"/privatex":            false,
		"/tmp":                 true,
		"/tmp/x":               false,
		"/doc.pdf":             false,
		"/a/b/doc.pdf":         false,
		"/doc.pdf?x=1":         true, // "$" anchors the end
		"/doc.pdfx":            true,
		"/fish.php":            false,
		"/fishheads/cat.php?x": false,
		"/Fish.php":            true, // case-sensitive paths
		"/x/fish.php":          true, // anchored at the start
		"/page":                true, // Allow wins a tie
		"/~joe/x":              false,
		"/%7ejoe/x":            false,
		"/café":                false,
		"/caf%C3%A9/x":         false,
		"/a/b":                 true, // an escaped "/" is not a "/"
		"/a%2Fb":               false,
		"/q?x=1":               false,
		"/q":                   true,
	})
	if r.crawlDelay != 2500*time.Millisecond {
		t.Errorf("crawl delay %v", r.crawlDelay)
	}
}

func TestRobotsGroups(t *testing.T) {
	const robots = `User-agent: *
Disallow: /all

User-agent: other
User-agent: Fundus/2.0
Disallow: /one

User-agent: FUNDUS
Disallow: /two
Crawl-delay: 1

User-agent: fundusx
Disallow: /three
`
	r := parseRobots([]byte(robots), agentToken(DefaultUserAgent))
	tabletest.Map(t, "r.allowed", r.allowed, map[string]bool{"/all": true, "/one": false, "/two": false, "/three": true})
	if r.crawlDelay != time.Second {
		t.Errorf("crawl delay %v", r.crawlDelay)
	}
	// Without a group of its own, the crawler follows "*".
	r = parseRobots([]byte(robots), "somebot")
	if r.allowed("/all") || !r.allowed("/one") {
		t.Error("the * group does not apply")
	}
}

func TestRobotsLenient(t *testing.T) {
	for name, robots := range map[string]string{
		"empty":                "",
		"rules before a group": "Disallow: /\nCrawl-delay: 9\n",
		"no group for us":      "User-agent: googlebot\nDisallow: /\n",
		"garbage":              "\x00\xff<html><body>Not found</body></html>",
	} {
		r := parseRobots([]byte(robots), "fundus")
		if !r.allowed("/") || !r.allowed("/x") || r.crawlDelay != 0 {
			t.Errorf("%s: %+v", name, r)
		}
	}
	// A bad line does not spoil the rest.
	r := parseRobots([]byte("\ufeffUser-agent: *\nCrawl-delay: soon\nNonsense\nDisallow: /x\r\nDisallow: y\n"), "fundus")
	if r.allowed("/x") || r.allowed("/y") || !r.allowed("/z") || r.crawlDelay != 0 {
		t.Errorf("lenient: %+v", r)
	}
	if disallowAll.allowed("/x") || !disallowAll.allowed("/robots.txt") {
		t.Error("disallowAll")
	}
}

func TestRobotsMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"/", "/anything", true},
		{"/*", "/anything", true},
		{"/a*b*c", "/axxbyyc", true},
		{"/a*b*c", "/axxbyy", false},
		{"/a*b*c$", "/abcx", false},
		{"/a*b*c$", "/abcbc", true},
		{"*.html", "/x.html", true},
		{"/x$", "/x", true},
		{"/x$", "/x/", false},
		{"/$x", "/$xy", true}, // "$" is special only at the end
		{"/*****a", "/" + string(make([]byte, 0)) + "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", false},
	} {
		if got := robotsMatch(tc.pattern, tc.path); got != tc.want {
			t.Errorf("robotsMatch(%q, %q) = %v", tc.pattern, tc.path, got)
		}
	}
}
