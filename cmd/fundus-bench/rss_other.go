//go:build !unix

package main

import "os"

// maxRSS returns 0: peak RSS of a child is only measured on Unix.
func maxRSS(*os.ProcessState) int64 { return 0 }
