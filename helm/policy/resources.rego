# Every container declares CPU and memory requests and limits.
package aichat.resources

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	some entry in k8s.containers
	some section in ["requests", "limits"]
	some resource in ["cpu", "memory"]
	not entry.container.resources[section][resource]
	msg := sprintf("[resources] %s %s: missing resources.%s.%s", [k8s.name, entry.label, section, resource])
}
