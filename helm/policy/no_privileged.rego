# No privileged containers, no privilege escalation, capabilities dropped, no host namespaces.
package aichat.no_privileged

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	some entry in k8s.containers
	entry.container.securityContext.privileged == true
	msg := sprintf("[no-privileged] %s %s: privileged containers are not allowed", [k8s.name, entry.label])
}

deny contains msg if {
	some entry in k8s.containers
	not entry.container.securityContext.allowPrivilegeEscalation == false
	msg := sprintf("[no-privileged] %s %s: set securityContext.allowPrivilegeEscalation: false", [k8s.name, entry.label])
}

deny contains msg if {
	some entry in k8s.containers
	not "ALL" in object.get(entry.container, ["securityContext", "capabilities", "drop"], [])
	msg := sprintf("[no-privileged] %s %s: drop ALL capabilities", [k8s.name, entry.label])
}

deny contains msg if {
	some entry in k8s.containers
	count(object.get(entry.container, ["securityContext", "capabilities", "add"], [])) > 0
	msg := sprintf("[no-privileged] %s %s: adding capabilities is not allowed", [k8s.name, entry.label])
}

deny contains msg if {
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	k8s.pod_spec[field] == true
	msg := sprintf("[no-privileged] %s: %s is not allowed", [k8s.name, field])
}
