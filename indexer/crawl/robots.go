package crawl

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// robotsRules are the rules of one robots.txt that apply to one crawler,
// following RFC 9309 (and Google's reading of it): the groups naming the
// crawler's product token are merged, else the "*" groups are; the longest
// matching rule wins, Allow winning a tie; "*" matches any run of
// characters and a final "$" anchors the end; paths are compared with
// percent-encoding normalised.
type robotsRules struct {
	disallowAll bool
	rules       []robotsRule
	crawlDelay  time.Duration
}

type robotsRule struct {
	pattern string // normalised
	allow   bool
}

// allowAll is the rule set of a host without a robots.txt.
var allowAll = &robotsRules{}

// disallowAll is the rule set of a host whose robots.txt failed with a
// server error.
var disallowAll = &robotsRules{disallowAll: true}

// parseRobots parses a robots.txt for the crawler whose product token
// (the user agent's name, lower case) is agent. It never fails: lines it
// does not understand are ignored, as RFC 9309 asks.
func parseRobots(data []byte, agent string) *robotsRules {
	type group struct {
		agents []string
		rules  []robotsRule
		delay  time.Duration
	}
	var groups []*group
	var cur *group
	inAgents := false // the previous record was a user-agent line
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for line := range strings.Lines(string(data)) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		switch key {
		case "user-agent", "useragent", "user agent":
			if cur == nil || !inAgents {
				cur = &group{}
				groups = append(groups, cur)
			}
			cur.agents = append(cur.agents, agentToken(val))
			inAgents = true
		case "allow", "disallow":
			if cur == nil {
				continue
			}
			inAgents = false
			if val == "" {
				continue // an empty rule is no rule
			}
			if val[0] != '/' && val[0] != '*' {
				val = "/" + val
			}
			cur.rules = append(cur.rules, robotsRule{pattern: normalizePath(val), allow: key == "allow"})
		case "crawl-delay", "crawldelay":
			if cur == nil {
				continue
			}
			inAgents = false
			secs, err := strconv.ParseFloat(val, 64)
			if err != nil || secs < 0 || secs > 86400 {
				continue
			}
			cur.delay = max(cur.delay, time.Duration(secs*float64(time.Second)))
		}
	}
	merge := func(name string) *robotsRules {
		var r *robotsRules
		for _, g := range groups {
			for _, a := range g.agents {
				if a == name {
					if r == nil {
						r = &robotsRules{}
					}
					r.rules = append(r.rules, g.rules...)
					r.crawlDelay = max(r.crawlDelay, g.delay)
					break
				}
			}
		}
		return r
	}
	if r := merge(agent); r != nil {
		return r
	}
	if r := merge("*"); r != nil {
		return r
	}
	return allowAll
}

// agentToken is the product token a user-agent line names, lower case:
// "Googlebot/2.1" names "googlebot".
func agentToken(s string) string {
	if strings.HasPrefix(s, "*") {
		return "*"
	}
	end := 0
	for end < len(s) {
		c := s[end]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			break
		}
		end++
	}
	return strings.ToLower(s[:end])
}

// allowed reports whether the rules allow a URL's path and query (in
// their escaped form, starting with "/").
func (r *robotsRules) allowed(pathQuery string) bool {
	if pathQuery == "/robots.txt" {
		return true
	}
	if r.disallowAll {
		return false
	}
	p := normalizePath(pathQuery)
	best, allow := -1, true
	for _, rule := range r.rules {
		if n := len(rule.pattern); (n > best || n == best && rule.allow) && robotsMatch(rule.pattern, p) {
			best, allow = n, rule.allow
		}
	}
	return allow
}

// robotsMatch reports whether pattern matches the start of path (all of
// it, when the pattern ends in "$"). "*" in the pattern matches any run of
// characters.
func robotsMatch(pattern, path string) bool {
	if strings.HasSuffix(pattern, "$") {
		pattern = pattern[:len(pattern)-1]
	} else {
		pattern += "*"
	}
	// Wildcard matching with backtracking to the last star: linear enough
	// for robots.txt rules.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(path) {
		switch {
		case pi < len(pattern) && pattern[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(pattern) && pattern[pi] == path[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}

// normalizePath brings a path, or a rule's path pattern, into the form
// RFC 9309 compares: octets outside printable ASCII are percent-encoded,
// escapes of unreserved characters are decoded, other escapes are written
// with upper-case hex digits.
func normalizePath(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[v>>4])
				b.WriteByte(hex[v&15])
			}
			i += 2
		case c <= ' ' || c >= 0x7f:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
