# Every long-running container has liveness and readiness probes (run-to-completion pods need none).
package aichat.probes

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	k8s.long_running
	some c in k8s.main_containers
	some probe in ["livenessProbe", "readinessProbe"]
	not c[probe]
	msg := sprintf("[probes] %s container %q: missing %s", [k8s.name, c.name, probe])
}
