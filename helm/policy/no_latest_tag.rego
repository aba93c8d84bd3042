# Outside dev, images are pinned: no `latest` tag and no missing tag (which means latest).
package aichat.no_latest_tag

import data.lib.kubernetes as k8s
import rego.v1

deny contains msg if {
	k8s.environment != "dev"
	some entry in k8s.containers
	floating(entry.container.image)
	msg := sprintf("[no-latest-tag] %s %s: image %q must have a fixed tag or digest outside dev (environment %q)", [k8s.name, entry.label, entry.container.image, k8s.environment])
}

# A digest pins the image whatever the tag says.
floating(image) := false if contains(image, "@sha256:")

floating(image) := tag == "latest" if {
	not contains(image, "@sha256:")
	tag := image_tag(image)
}

# The tag is after the last ":" of the last path segment ("host:5000/app" has no tag).
image_tag(image) := tag if {
	segments := split(image, "/")
	last := segments[count(segments) - 1]
	contains(last, ":")
	parts := split(last, ":")
	tag := parts[count(parts) - 1]
}

image_tag(image) := "latest" if {
	segments := split(image, "/")
	not contains(segments[count(segments) - 1], ":")
}
