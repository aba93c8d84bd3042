# From the reference guide: container root filesystems are read-only (writable emptyDir where needed).
package aichat.read_only_root_filesystem

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	some entry in k8s.containers
	not entry.container.securityContext.readOnlyRootFilesystem == true
	msg := sprintf("[read-only-root-filesystem] %s %s: set securityContext.readOnlyRootFilesystem: true", [k8s.name, entry.label])
}
