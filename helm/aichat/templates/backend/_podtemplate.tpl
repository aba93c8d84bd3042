{{/*
aichat.backend.podTemplate: the backend pod template, shared by the Deployment (rolling) and the
Argo Rollout (blueGreen/canary) so both strategies run the identical pod.
*/}}
{{- define "aichat.backend.podTemplate" -}}
{{- $b := .Values.backend }}
metadata:
  labels:
    {{- include "aichat.labels" (dict "ctx" $ "component" "backend") | nindent 4 }}
  annotations:
    checksum/config: {{ include "aichat.backendConfigChecksum" . }}
    checksum/secret: {{ include "aichat.secretChecksum" . }}
    {{- with $b.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "aichat.serviceAccountName" . }}
  automountServiceAccountToken: false
  enableServiceLinks: false
  terminationGracePeriodSeconds: {{ $b.terminationGracePeriodSeconds }}
  securityContext:
    {{- include "aichat.podSecurityContext" (dict "ctx" $ "uid" 1000) | nindent 4 }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  {{- include "aichat.topologySpread" (dict "ctx" $ "component" "backend") | nindent 2 }}
  {{- with $b.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $b.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $b.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: backend
      image: {{ include "aichat.image" (dict "ctx" $ "image" $b.image) }}
      imagePullPolicy: {{ $b.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ $b.containerPort }}
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "aichat.componentName" (dict "ctx" $ "component" "backend") }}
      env:
        # Secret values by reference only; the Secret is created outside the chart.
        - name: DATABASE_URL
          valueFrom:
            secretKeyRef:
              name: {{ .Values.secrets.existingSecret }}
              key: {{ .Values.secrets.databaseUrlKey }}
        - name: REDIS_URL
          valueFrom:
            secretKeyRef:
              name: {{ .Values.secrets.existingSecret }}
              key: {{ .Values.secrets.redisUrlKey }}
        - name: OPENAI_API_KEY
          valueFrom:
            secretKeyRef:
              name: {{ .Values.secrets.existingSecret }}
              key: {{ .Values.secrets.openaiApiKeyKey }}
              # Without a key the backend offers only the offline echo model.
              optional: true
      startupProbe:
        httpGet:
          path: /health
          port: http
        periodSeconds: 2
        failureThreshold: 30
      livenessProbe:
        httpGet:
          path: /health
          port: http
        periodSeconds: 10
        timeoutSeconds: 2
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: /ready
          port: http
        periodSeconds: 5
        timeoutSeconds: 2
        failureThreshold: 2
      lifecycle:
        preStop:
          # Keep serving while endpoints and the ingress drop the pod; then SIGTERM starts the drain.
          sleep:
            seconds: {{ $b.preStopSleepSeconds }}
      resources:
        {{- toYaml $b.resources | nindent 8 }}
      securityContext:
        {{- include "aichat.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    # The root filesystem is read-only; Node and npm only need a scratch /tmp.
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
{{- end }}
