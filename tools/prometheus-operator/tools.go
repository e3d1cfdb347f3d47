//go:build tools

// Package tools pins the commands this module builds; `go build` of the listed packages does the rest.
package tools

import _ "github.com/prometheus-operator/prometheus-operator/cmd/operator"
