# The policy the engine tests apply: every Deployment container sets resources.limits.
package kube.limits

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	some c in input.spec.template.spec.containers
	not c.resources.limits
	msg := sprintf("%s/%s: container %s has no resources.limits", [input.kind, input.metadata.name, c.name])
}
