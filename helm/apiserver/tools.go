//go:build tools

// Package tools pins the control plane that helm/test builds for its server-side dry run:
// kube-apiserver from k8s.io/kubernetes (staging modules replaced by their published versions,
// as k8s.io/kubernetes' own go.mod points them at ./staging) and etcd at the version it uses.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
