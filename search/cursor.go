package search

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// cursor is what a deep-paging cursor carries: the sort values of the last
// hit served, and what it was sorted by, so that a cursor cannot be used
// with another sort or query by mistake.
type cursor struct {
	Sort  string   `json:"s"`
	Query string   `json:"q"` // short hash of the query text
	After []string `json:"a"`
}

func queryTag(q string) string {
	sum := sha256.Sum256([]byte(q))
	return base64.RawURLEncoding.EncodeToString(sum[:6])
}

func encodeCursor(sort, q string, after []string) string {
	b, _ := json.Marshal(cursor{Sort: sort, Query: queryTag(q), After: after})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sort, q string) ([]string, error) {
	bad := func(why string) error { return &InvalidRequestError{Param: "cursor", Reason: why} }
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad("not a cursor from this service")
	}
	var c cursor
	// Every sort ends with the id as a tie-breaker: two values.
	if err := json.Unmarshal(b, &c); err != nil || len(c.After) != 2 {
		return nil, bad("not a cursor from this service")
	}
	if c.Sort != sort || c.Query != queryTag(q) {
		return nil, bad(fmt.Sprintf("belongs to another search (sort %q); repeat the search without it", c.Sort))
	}
	return c.After, nil
}
