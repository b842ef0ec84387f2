package web

import (
	"slices"

	"github.com/gorilla/mux"
)

// RouteInfo describes one registered route: its path template as written
// in the router (with any variable patterns, e.g. "/api/documents/{id:.+}")
// and the methods it accepts (nil when it accepts every method).
type RouteInfo struct {
	Path    string
	Methods []string
}

// Routes lists the server's routes in registration order, one entry per
// registration, so a path may appear more than once with different
// methods. Tests use it to check the OpenAPI description against the
// router.
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	s.router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return nil // a route without a path (e.g. only a host matcher)
		}
		methods, err := route.GetMethods()
		if err != nil {
			methods = nil // no method matcher: any method
		}
		out = append(out, RouteInfo{Path: tpl, Methods: slices.Clone(methods)})
		return nil
	})
	return out
}
