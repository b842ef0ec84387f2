package web

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

// TestClusterErrorStatus checks the rows the cluster errors add to the
// error table.
func TestClusterErrorStatus(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		status     int
		code       string
		retryAfter bool
	}{
		{"no quorum", fmt.Errorf("publish: %w", search.ErrNoQuorum), http.StatusServiceUnavailable, "no_quorum", true},
		{"not supported", fmt.Errorf("undelete: %w", search.ErrUnsupported), http.StatusNotImplemented, "not_supported", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ae := errorStatus(tc.err)
			if ae.status != tc.status || ae.code != tc.code || (ae.retryAfter > 0) != tc.retryAfter {
				t.Errorf("got %d %s retry-after %d, want %d %s (retry-after %v)", ae.status, ae.code, ae.retryAfter, tc.status, tc.code, tc.retryAfter)
			}
		})
	}
}
