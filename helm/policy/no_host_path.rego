# No hostPath volumes: they expose the node's filesystem to the pod.
package aichat.no_host_path

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	some volume in k8s.pod_spec.volumes
	volume.hostPath
	msg := sprintf("[no-host-path] %s: volume %q uses hostPath", [k8s.name, volume.name])
}
