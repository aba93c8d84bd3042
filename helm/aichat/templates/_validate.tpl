{{/*
aichat.validateValues: fails rendering with a readable message on combinations the schema cannot
express. Called once from templates/validate.yaml (NOTES.txt is not rendered by `helm template`).
*/}}
{{- define "aichat.validateValues" -}}
{{- $errors := list }}
{{- $v := .Values }}
{{- $drainMs := add (mul $v.backend.preStopSleepSeconds 1000) $v.backend.config.shutdownGraceMs }}
{{- if le (mul $v.backend.terminationGracePeriodSeconds 1000 | int) ($drainMs | int) }}
{{- $errors = append $errors (printf "backend.terminationGracePeriodSeconds (%vs) must exceed preStopSleepSeconds + config.shutdownGraceMs (%vms), or in-flight streams are killed" $v.backend.terminationGracePeriodSeconds $drainMs) }}
{{- end }}
{{- if and (ne $v.rollout.strategy "rolling") $v.rollout.analysis.enabled (not (include "aichat.prometheusUrl" .)) }}
{{- $errors = append $errors (printf "rollout.analysis.enabled with strategy %s needs a Prometheus: set monitoring.prometheus.enabled or monitoring.prometheusUrl" $v.rollout.strategy) }}
{{- end }}
{{- if and $v.monitoring.prometheus.enabled (not $v.monitoring.enabled) }}
{{- $errors = append $errors "monitoring.prometheus.enabled needs monitoring.enabled (it scrapes the ServiceMonitor)" }}
{{- end }}
{{- if and (eq $v.environment "production") $v.ingress.enabled (not $v.ingress.tls.enabled) }}
{{- $errors = append $errors "production ingress must serve TLS: set ingress.tls.enabled" }}
{{- end }}
{{- range $component := list "backend" "frontend" }}
{{- $c := index $v $component }}
{{- if and $v.requireDigest (not $c.image.digest) }}
{{- $errors = append $errors (printf "%s.image.digest is required: %s deploys signed digests only (requireDigest), never tags; run the pipeline's `promote --env %s`, which writes the published digests into values-%s.yaml" $component $v.environment $v.environment $v.environment) }}
{{- end }}
{{- if and $c.autoscaling.enabled (lt (int $c.autoscaling.maxReplicas) (int $c.replicaCount)) }}
{{- $errors = append $errors (printf "%s.autoscaling.maxReplicas (%v) is below %s.replicaCount (%v)" $component $c.autoscaling.maxReplicas $component $c.replicaCount) }}
{{- end }}
{{- end }}
{{- if $errors }}
{{- fail (printf "\n\ninvalid values for aichat:\n  - %s" (join "\n  - " $errors)) }}
{{- end }}
{{- end }}
