//go:build tools

// Package tools pins the commands this module builds; `go build` of the listed packages does the rest.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
