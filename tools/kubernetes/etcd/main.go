// Command etcd is etcd's own server main, built from go.etcd.io/etcd/server/v3 at the version that
// k8s.io/kubernetes requires, so the API server and its store are built together.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
