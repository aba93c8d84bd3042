# Helpers shared by the policies: where pods, containers and the environment live in a manifest.
package lib.kubernetes

import rego.v1

# Kinds whose pod template sits at spec.template (Argo Rollouts' Rollout included).
template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout"}

# Kinds that run pods continuously: these need probes.
long_running_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout"}

# The pod spec of the manifest under test, when it has one.
pod_spec := input.spec.template.spec if input.kind in template_kinds

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

pod_spec := input.spec if input.kind == "Pod"

# "Kind/name" for messages.
name := sprintf("%s/%s", [input.kind, input.metadata.name])

# Every container (init containers too) with a label for messages.
containers contains {"label": sprintf("container %q", [c.name]), "container": c} if {
	some c in pod_spec.containers
}

containers contains {"label": sprintf("init container %q", [c.name]), "container": c} if {
	some c in pod_spec.initContainers
}

# Regular containers only (init containers run to completion and take no probes).
main_containers contains c if {
	some c in pod_spec.containers
}

# The aichat.io/environment label; missing counts as the strictest case.
environment := object.get(input.metadata, ["labels", "aichat.io/environment"], "unknown")

# Pods that keep running: workload controllers, and bare pods that restart.
long_running if input.kind in long_running_kinds

long_running if {
	input.kind == "Pod"
	object.get(input.spec, "restartPolicy", "Always") == "Always"
}

# Security setting of a container, falling back to the pod-level securityContext, else null.
# Total on purpose: an undefined value inside `not f(x) == true` would hide a violation.
effective(c, key) := object.get(c, ["securityContext", key], object.get(pod_spec, ["securityContext", key], null))
