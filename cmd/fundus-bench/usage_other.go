//go:build !unix

package main

import (
	"os"
	"time"
)

// maxRSS returns 0: peak RSS of a child is only measured on Unix.
func maxRSS(*os.ProcessState) int64 { return 0 }

// selfCPU returns 0: the baseline's own CPU time is only measured on Unix.
func selfCPU() time.Duration { return 0 }
