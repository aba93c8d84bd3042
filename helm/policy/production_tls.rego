# A production Ingress serves every host over TLS.
package aichat.production_tls

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	input.kind == "Ingress"
	k8s.environment == "production"
	some rule in input.spec.rules
	not host_has_tls(rule.host)
	msg := sprintf("[production-tls] %s: host %q has no TLS entry", [k8s.name, rule.host])
}

host_has_tls(host) if {
	some tls in input.spec.tls
	host in tls.hosts
	tls.secretName
}
