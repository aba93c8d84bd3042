# Containers run under a seccomp profile (RuntimeDefault or a Localhost profile), never Unconfined
# or unset.
package aichat.seccomp

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	some entry in k8s.containers
	profile := profile_type(entry.container)
	not profile in {"RuntimeDefault", "Localhost"}
	msg := sprintf("[seccomp] %s %s: seccompProfile.type is %q, want RuntimeDefault or Localhost", [k8s.name, entry.label, profile])
}

# The effective profile type ("" when none is set).
profile_type(c) := type if {
	profile := k8s.effective(c, "seccompProfile")
	is_object(profile)
	type := object.get(profile, "type", "")
} else := ""
