# conftest's default namespace: every aichat.* policy, so a plain `conftest test -p helm/policy`
# applies all of them (each also runs alone with --namespace aichat.<policy>, as the fixtures do).
package main

import rego.v1

deny contains msg if {
	some policy
	some msg in data.aichat[policy].deny
}
