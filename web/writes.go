package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// writeResponse is the JSON answer to a write: each item's result and the
// counts.
type writeResponse struct {
	Results   []search.WriteResult `json:"results"`
	Added     int                  `json:"added"`
	Updated   int                  `json:"updated"`
	Unchanged int                  `json:"unchanged"`
	Deleted   int                  `json:"deleted"`
	Failed    int                  `json:"failed"`
}

func newWriteResponse(results []search.WriteResult) writeResponse {
	out := writeResponse{Results: results}
	if out.Results == nil {
		out.Results = []search.WriteResult{}
	}
	for _, r := range results {
		switch r.Status {
		case search.Added:
			out.Added++
		case search.Updated:
			out.Updated++
		case search.Unchanged:
			out.Unchanged++
		case search.Deleted:
			out.Deleted++
		default:
			out.Failed++
		}
	}
	return out
}

// respondWrite answers a write: 200 when anything was accepted, 422 when
// every item failed (naming the field of the first failure; 400 when that
// field is the id).
func (s *Server) respondWrite(w http.ResponseWriter, results []search.WriteResult) error {
	resp := newWriteResponse(results)
	for _, r := range results {
		s.metrics.ingested.WithLabelValues(r.Status.String()).Inc()
	}
	if len(results) == 0 {
		return &apiError{status: http.StatusUnprocessableEntity, code: "invalid_document", msg: "the request holds no documents"}
	}
	if resp.Failed == len(results) {
		first := results[0]
		ae := &apiError{status: http.StatusUnprocessableEntity, code: "invalid_document", msg: first.Error, field: first.Field,
			extra: map[string]any{"results": resp.Results, "failed": resp.Failed}}
		if first.Field == "id" {
			// An id that would become another link is refused like a
			// bad id in the path (PUT): the request is wrong, not the
			// document's content.
			ae.status, ae.code = http.StatusBadRequest, "invalid_parameter"
		}
		return ae
	}
	status := http.StatusOK
	if resp.Added == len(results) {
		status = http.StatusCreated
	}
	writeJSON(w, status, resp)
	return nil
}

// bodyFormat maps a request's content type to the file name whose parser
// reads it.
func bodyFormat(r *http.Request) (string, error) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil {
		return "", &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: "send Content-Type application/json or application/x-ndjson"}
	}
	switch mt {
	case "application/json":
		return "request.json", nil
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
		return "request.jsonl", nil
	}
	return "", &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: "unsupported Content-Type " + mt + " (want application/json or application/x-ndjson)"}
}

func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, badBody(err, "reading the request body failed")
	}
	return b, nil
}

// badBody maps a failure to read a request body to a 400 with msg, but
// keeps an over-limit body's *http.MaxBytesError, which maps to 413.
func badBody(err error, msg string) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return err
	}
	return &apiError{status: http.StatusBadRequest, code: "bad_request", msg: msg}
}

// ingestBody writes the request body's documents (JSON, an array or
// NDJSON); a non-empty id names the one document it must hold.
func (s *Server) ingestBody(w http.ResponseWriter, r *http.Request, id string) error {
	name, err := bodyFormat(r)
	if err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	results, err := s.w.IngestBytes(r.Context(), name, body, id)
	if err != nil {
		return err
	}
	return s.respondWrite(w, results)
}

// apiPostDocuments takes one JSON document, an array, or NDJSON.
func (s *Server) apiPostDocuments(w http.ResponseWriter, r *http.Request) error {
	return s.ingestBody(w, r, "")
}

// apiPutDocument replaces (or creates) the document with the path's id.
func (s *Server) apiPutDocument(w http.ResponseWriter, r *http.Request, id string) error {
	if err := search.ValidateID(strings.TrimSpace(id)); err != nil {
		return &search.InvalidRequestError{Param: "id", Reason: err.Error()}
	}
	return s.ingestBody(w, r, id)
}

func (s *Server) apiDeleteDocument(w http.ResponseWriter, r *http.Request, id string) error {
	res, err := s.w.DeleteDocument(r.Context(), id)
	if err != nil {
		return err
	}
	if res.Status != search.Deleted {
		return &apiError{status: http.StatusNotFound, code: "not_found", msg: "document not found"}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// apiIngest takes a multipart upload of files; each file is parsed by its
// name's extension, as `fundus ingest` would. File names only choose the
// parser and the default id (a relative path such as sub/note.md gives
// sub/note): nothing is written to disk.
func (s *Server) apiIngest(w http.ResponseWriter, r *http.Request) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: "send multipart/form-data with one or more files"}
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var results []search.WriteResult
	files := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return badBody(err, "malformed multipart body: "+err.Error())
		}
		name := part.FileName()
		if name == "" {
			part.Close()
			continue
		}
		if _, p, err := mime.ParseMediaType(part.Header.Get("Content-Disposition")); err == nil && p["filename"] != "" {
			// The name as sent (FileName keeps only its base): a
			// relative path such as sub/note.md gives ids as a folder
			// ingest does (`fundus ingest --server`); IngestBytes
			// reduces any other path to its base name.
			name = p["filename"]
		}
		files++
		data, err := io.ReadAll(part)
		part.Close()
		if err != nil {
			return badBody(err, "reading "+name+" failed")
		}
		res, err := s.w.IngestBytes(r.Context(), name, data, "")
		if err != nil {
			return err
		}
		for i := range res {
			if res[i].Error != "" && !strings.Contains(res[i].Error, baseName(name)) {
				res[i].Error = baseName(name) + ": " + res[i].Error
			}
		}
		results = append(results, res...)
	}
	if files == 0 {
		return &apiError{status: http.StatusBadRequest, code: "bad_request", msg: "the upload holds no files (use form fields with a filename)"}
	}
	return s.respondWrite(w, results)
}

func baseName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func (s *Server) apiUndelete(w http.ResponseWriter, r *http.Request, id string) error {
	if err := s.w.Undelete(r.Context(), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, search.WriteResult{ID: id, Status: search.Restored})
	return nil
}

func (s *Server) apiTrash(w http.ResponseWriter, r *http.Request) error {
	trash, err := s.w.TrashList(r.Context())
	if err != nil {
		return err
	}
	if trash == nil {
		trash = []search.TrashEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"trash": trash})
	return nil
}

// apiBackup streams a consistent backup of the store (Badger's backup
// format); `fundus restore` reads it.
func (s *Server) apiBackup(w http.ResponseWriter, r *http.Request) error {
	attachment(w, "application/octet-stream", "fundus-"+time.Now().UTC().Format("20060102-150405")+".backup")
	if err := s.w.Backup(r.Context(), w); err != nil {
		s.abortStream("backup failed", err)
	}
	return nil
}
