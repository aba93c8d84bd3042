# Production runs our images (aichat-backend, aichat-frontend: what `publish` pushes and signs)
# only by digest: a tag can be moved after signing, a digest cannot (issue #14). Third-party
# images are covered by no_latest_tag. A missing environment label counts as production.
package aichat.production_digest

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	not k8s.environment in {"dev", "staging"}
	some entry in k8s.containers
	ours(entry.container.image)
	not pinned(entry.container.image)
	msg := sprintf("[production-digest] %s %s: image %q must be pinned by digest in production (the pipeline's `promote --env production` writes <component>.image.digest)", [k8s.name, entry.label, entry.container.image])
}

# Our images: the last path segment names aichat-<component>, whatever the registry.
ours(image) if {
	segments := split(image, "/")
	regex.match(`^aichat-[a-z0-9-]+([:@].*)?$`, segments[count(segments) - 1])
}

# A complete sha256 digest at the end of the reference (a truncated one pins nothing).
pinned(image) if regex.match(`@sha256:[a-f0-9]{64}$`, image)
