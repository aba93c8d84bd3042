{{/*
aichat.name: the chart name (or nameOverride), DNS-safe.
*/}}
{{- define "aichat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
aichat.fullname: resource name prefix; the release name alone when it already contains the chart name.
*/}}
{{- define "aichat.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
aichat.componentName: "<fullname>-<component>", e.g. aichat-backend. Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "aichat.componentName" -}}
{{- printf "%s-%s" (include "aichat.fullname" .ctx) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
aichat.chart: chart name and version for the helm.sh/chart label.
*/}}
{{- define "aichat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
aichat.labels: common labels for every resource. Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "aichat.labels" -}}
helm.sh/chart: {{ include "aichat.chart" .ctx }}
{{ include "aichat.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: aichat
aichat.io/environment: {{ .ctx.Values.environment }}
{{- end }}

{{/*
aichat.selectorLabels: the immutable labels a component's pods are selected by.
*/}}
{{- define "aichat.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aichat.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
aichat.image: the image reference of an image block. With a digest (`sha256:<64 hex>`, written by
the pipeline's `promote`) it is "registry/repository@digest" and the tag is ignored, so what runs
is exactly what was signed; otherwise "registry/repository:tag", the tag defaulting to the appVersion.
Call with (dict "ctx" $ "image" .Values.backend.image).
*/}}
{{- define "aichat.image" -}}
{{- $name := .image.repository }}
{{- if .image.registry }}
{{- $name = printf "%s/%s" .image.registry .image.repository }}
{{- end }}
{{- if .image.digest }}
{{- printf "%s@%s" $name .image.digest }}
{{- else }}
{{- printf "%s:%s" $name (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/*
aichat.serviceAccountName: the ServiceAccount the aichat pods run as.
*/}}
{{- define "aichat.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aichat.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
aichat.podSecurityContext: pod-level security settings (non-root user, seccomp, volume group).
Call with (dict "ctx" $ "uid" 1000).
*/}}
{{- define "aichat.podSecurityContext" -}}
runAsNonRoot: {{ .ctx.Values.securityContext.runAsNonRoot }}
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: {{ .ctx.Values.securityContext.seccompProfile }}
{{- end }}

{{/*
aichat.containerSecurityContext: the container-level settings every chart container gets.
*/}}
{{- define "aichat.containerSecurityContext" -}}
runAsNonRoot: {{ .Values.securityContext.runAsNonRoot }}
readOnlyRootFilesystem: {{ .Values.securityContext.readOnlyRootFilesystem }}
allowPrivilegeEscalation: {{ .Values.securityContext.allowPrivilegeEscalation }}
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: {{ .Values.securityContext.seccompProfile }}
{{- end }}

{{/*
aichat.topologySpread: spread a component's pods over nodes and zones, best effort.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "aichat.topologySpread" -}}
{{- if .ctx.Values.topologySpread.enabled }}
topologySpreadConstraints:
  {{- range list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
  - maxSkew: {{ $.ctx.Values.topologySpread.maxSkew }}
    topologyKey: {{ . }}
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "aichat.selectorLabels" $ | nindent 8 }}
    # Spread each revision on its own (Deployment and Argo Rollouts hash labels; absent keys are ignored).
    matchLabelKeys:
      - pod-template-hash
      - rollouts-pod-template-hash
  {{- end }}
{{- end }}
{{- end }}

{{/*
aichat.prometheusUrl: where rollout analysis queries Prometheus (the in-chart one when enabled).
*/}}
{{- define "aichat.prometheusUrl" -}}
{{- if .Values.monitoring.prometheus.enabled }}
{{- printf "http://%s.%s.svc:9090" (include "aichat.componentName" (dict "ctx" . "component" "prometheus")) .Release.Namespace }}
{{- else }}
{{- .Values.monitoring.prometheusUrl }}
{{- end }}
{{- end }}

{{/*
aichat.backendConfigChecksum: hash of the rendered backend ConfigMap, so a config change rolls the pods.
*/}}
{{- define "aichat.backendConfigChecksum" -}}
{{- include (print .Template.BasePath "/backend/configmap.yaml") . | sha256sum }}
{{- end }}

{{/*
aichat.secretChecksum: hash of the Secret reference, plus the Secret's data when the cluster can
be read at render time (helm install/upgrade; empty under `helm template` and Argo CD). Rotating
the Secret then rolls the pods on the next upgrade.
*/}}
{{- define "aichat.secretChecksum" -}}
{{- $secret := lookup "v1" "Secret" .Release.Namespace .Values.secrets.existingSecret }}
{{- list .Values.secrets ($secret.data | default dict) | toJson | sha256sum }}
{{- end }}
