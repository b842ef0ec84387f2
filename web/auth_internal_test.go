package web

import (
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// TestFailedAuthRefill checks, on an injected clock, that a network's
// failed authentications are forgiven at the configured rate.
func TestFailedAuthRefill(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	s, err := NewServer(Config{Token: "w", ReadToken: "r", Now: func() time.Time { return now }}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	get := func(auth string) (int, string) {
		t.Helper()
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = "203.0.113.9:1"
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code, rec.Header().Get("Retry-After")
	}
	for range signinBurst {
		if code, _ := get("Bearer guess"); code != 200 {
			t.Fatalf("failure within the burst: got status %d, want 200", code)
		}
	}
	code, retry := get("Bearer r")
	secs, _ := strconv.Atoi(retry)
	if code != 429 || secs < 1 || secs > 12 {
		t.Fatalf("right token beyond the burst: got %d, Retry-After %q; want 429 and at most 12 s", code, retry)
	}
	cases := []struct {
		name  string
		after time.Duration
		auth  string
		want  int
	}{
		{"not yet refilled", time.Second, "Bearer r", 429},
		{"one failure forgiven", time.Duration(secs) * time.Second, "Bearer r", 200},
		{"the forgiven failure used up", 0, "Bearer guess", 200},
		{"limited again", 0, "Bearer r", 429},
	}
	for _, tc := range cases {
		now = now.Add(tc.after)
		if code, _ := get(tc.auth); code != tc.want {
			t.Errorf("%s: got status %d, want %d", tc.name, code, tc.want)
		}
	}
}
