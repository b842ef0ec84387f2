package web

import "github.com/gorilla/mux"

// uiRoutes registers the pages of the web interface.
func (s *Server) uiRoutes(r *mux.Router) {}
