# From the reference guide: no container may run as root.
package aichat.run_as_non_root

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	some entry in k8s.containers
	not k8s.effective(entry.container, "runAsNonRoot") == true
	msg := sprintf("[run-as-non-root] %s %s: set securityContext.runAsNonRoot: true", [k8s.name, entry.label])
}

deny contains msg if {
	some entry in k8s.containers
	k8s.effective(entry.container, "runAsUser") == 0
	msg := sprintf("[run-as-non-root] %s %s: runAsUser 0 is root", [k8s.name, entry.label])
}
