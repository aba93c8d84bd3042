# Every object names its application: dashboards and NetworkPolicies select on this label.
package main

import rego.v1

deny contains msg if {
	not input.metadata.labels["app.kubernetes.io/name"]
	msg := sprintf("%s/%s has no app.kubernetes.io/name label", [input.kind, input.metadata.name])
}
