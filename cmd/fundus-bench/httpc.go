package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// request does one HTTP request and reads the whole answer; ctype is the
// Content-Type of body ("" for none).
func request(ctx context.Context, client *http.Client, method, u, ctype string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// get fetches u and reads the whole body.
func get(ctx context.Context, client *http.Client, u string) (int, []byte, error) {
	return request(ctx, client, http.MethodGet, u, "", nil)
}

// excerpt is the start of an answer's body (at most 300 bytes), for an
// error message.
func excerpt(body []byte) []byte {
	return bytes.TrimSpace(body[:min(len(body), 300)])
}

// errorClass names a failed response for the error breakdown: its status
// and the API's error code.
func errorClass(status int, body []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Code != "" {
		return fmt.Sprintf("HTTP %d %s", status, e.Error.Code)
	}
	return fmt.Sprintf("HTTP %d", status)
}
