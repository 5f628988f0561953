{{/* Base name of every object: the release name, with the chart name added unless the release name has it. */}}
{{- define "painpro.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "painpro.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: painpro
{{- end -}}

{{/* Selector of one component; call with (dict "root" $ "component" "scheduling"). */}}
{{- define "painpro.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "painpro.componentLabels" -}}
{{ include "painpro.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "painpro.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ include "painpro.fullname" . }}{{- else -}}default{{- end -}}
{{- end -}}

{{/* Image reference of a service; call with (dict "root" $ "service" $service). */}}
{{- define "painpro.image" -}}
{{- $registry := .root.Values.image.registry | trimSuffix "/" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if $registry -}}{{ printf "%s/%s:%s" $registry .service.image $tag }}{{- else -}}{{ printf "%s:%s" .service.image $tag }}{{- end -}}
{{- end -}}

{{/* The Secret that holds the development credentials (dev.enabled). */}}
{{- define "painpro.devSecretName" -}}{{ include "painpro.fullname" . }}-dev-credentials{{- end -}}

{{/*
Where each credential comes from: the operator's existing Secrets, or in dev mode the generated one.
Returns a YAML map of credential -> {name, key}, or omits a credential that is not configured.
*/}}
{{- define "painpro.secretRefs" -}}
{{- $dev := include "painpro.devSecretName" . -}}
{{- if .Values.dev.enabled -}}
connectionString: { name: {{ $dev }}, key: connection-string }
rabbitMqUri: { name: {{ $dev }}, key: rabbitmq-uri }
twilioAuthToken: { name: {{ $dev }}, key: twilio-auth-token }
twilioAccountSid: { name: {{ $dev }}, key: twilio-account-sid }
portalApiKey: { name: {{ $dev }}, key: portal-api-key }
bootstrapAdminPassword: { name: {{ $dev }}, key: bootstrap-admin-password }
dataProtectionCertificate: { name: {{ $dev }}, key: data-protection-certificate }
dataProtectionKey: { name: {{ $dev }}, key: data-protection-key }
{{- else -}}
connectionString: { name: {{ required "database.existingSecret is required" .Values.database.existingSecret }}, key: {{ .Values.database.connectionStringKey }} }
rabbitMqUri: { name: {{ required "bus.existingSecret is required" .Values.bus.existingSecret }}, key: {{ .Values.bus.uriKey }} }
twilioAuthToken: { name: {{ required "twilio.existingSecret is required" .Values.twilio.existingSecret }}, key: {{ .Values.twilio.authTokenKey }} }
twilioAccountSid: { name: {{ .Values.twilio.existingSecret }}, key: {{ .Values.twilio.accountSidKey }} }
portalApiKey: { name: {{ required "portal.existingSecret is required" .Values.portal.existingSecret }}, key: {{ .Values.portal.apiKeyKey }} }
dataProtectionCertificate: { name: {{ required "dataProtection.existingSecret is required: the services refuse to start without a certificate for the key ring" .Values.dataProtection.existingSecret }}, key: {{ .Values.dataProtection.certificateKey }} }
dataProtectionKey: { name: {{ .Values.dataProtection.existingSecret }}, key: {{ .Values.dataProtection.privateKeyKey }} }
{{- if .Values.portal.bootstrapAdminUserNameKey }}
bootstrapAdminUserName: { name: {{ .Values.portal.existingSecret }}, key: {{ .Values.portal.bootstrapAdminUserNameKey }} }
bootstrapAdminPassword: { name: {{ .Values.portal.existingSecret }}, key: {{ .Values.portal.bootstrapAdminPasswordKey }} }
{{- end }}
{{- if .Values.smtp.existingSecret }}
smtpPassword: { name: {{ .Values.smtp.existingSecret }}, key: {{ .Values.smtp.passwordKey }} }
{{- end }}
{{- end -}}
{{- end -}}

{{/* One env entry read from a Secret; call with (dict "name" "ENV_NAME" "ref" $ref). */}}
{{- define "painpro.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .ref.name }}
      key: {{ .ref.key }}
{{- end -}}

{{/* Security settings every container of the chart runs with. */}}
{{- define "painpro.containerSecurityContext" -}}
{{ toYaml .Values.securityContext }}
{{- end -}}

{{/* Messaging's senders: Twilio (SMS) and SMTP (email), or maildev in development mode. */}}
{{- define "painpro.messagingEnv" -}}
{{- $values := .root.Values -}}
{{- $fullname := include "painpro.fullname" .root -}}
{{- include "painpro.secretEnv" (dict "name" "PainPro__Twilio__AccountSid" "ref" .secrets.twilioAccountSid) }}
- { name: PainPro__Messaging__OrganisationName, value: {{ $values.messaging.organisationName | quote }} }
{{- with $values.messaging.twilio.messagingServiceSid }}
- { name: PainPro__Messaging__Twilio__MessagingServiceSid, value: {{ . | quote }} }
{{- end }}
{{- with $values.messaging.twilio.from }}
- { name: PainPro__Messaging__Twilio__From, value: {{ . | quote }} }
{{- end }}
{{- /* Each pod keeps its own token bucket: share the sender's rate among the most pods that can run. */}}
{{- $pods := ternary .service.autoscaling.maxReplicas .service.replicas .service.autoscaling.enabled | default 1 }}
- { name: PainPro__Messaging__Twilio__RatePerSecond, value: {{ divf $values.messaging.twilio.senderRatePerSecond $pods | printf "%g" | quote }} }
{{- range $index, $email := $values.messaging.careTeam.emails }}
- { name: PainPro__Messaging__CareTeam__Emails__{{ $index }}, value: {{ $email | quote }} }
{{- end }}
{{- range $index, $phone := $values.messaging.careTeam.phones }}
- { name: PainPro__Messaging__CareTeam__Phones__{{ $index }}, value: {{ $phone | quote }} }
{{- end }}
- { name: PainPro__Messaging__CareTeam__MinimumSeverity, value: {{ $values.messaging.careTeam.minimumSeverity | quote }} }
{{- if $values.dev.enabled }}
{{- /* Emails go to the in-release maildev, whatever PainPro's dev mode would pick. */}}
- { name: PainPro__Messaging__Email__Provider, value: smtp }
- { name: PainPro__Messaging__Smtp__Host, value: {{ printf "%s-maildev" $fullname | quote }} }
- { name: PainPro__Messaging__Smtp__Port, value: "1025" }
- { name: PainPro__Messaging__Smtp__EnableSsl, value: "false" }
- { name: PainPro__Messaging__Smtp__From, value: {{ $values.smtp.from | quote }} }
{{- else }}
{{- with $values.smtp.host }}
- { name: PainPro__Messaging__Smtp__Host, value: {{ . | quote }} }
{{- end }}
- { name: PainPro__Messaging__Smtp__Port, value: {{ $values.smtp.port | toString | quote }} }
- { name: PainPro__Messaging__Smtp__EnableSsl, value: {{ $values.smtp.enableSsl | toString | quote }} }
{{- with $values.smtp.from }}
- { name: PainPro__Messaging__Smtp__From, value: {{ . | quote }} }
{{- end }}
{{- with $values.smtp.fromName }}
- { name: PainPro__Messaging__Smtp__FromName, value: {{ . | quote }} }
{{- end }}
{{- with $values.smtp.username }}
- { name: PainPro__Messaging__Smtp__Username, value: {{ . | quote }} }
{{- end }}
{{- with .secrets.smtpPassword }}
{{ include "painpro.secretEnv" (dict "name" "PainPro__Messaging__Smtp__Password" "ref" .) }}
{{- end }}
{{- end }}
{{- end -}}

{{/* OTEL_RESOURCE_ATTRIBUTES: the image tag as service.version, the release as service.namespace, then telemetry.resourceAttributes. */}}
{{- define "painpro.resourceAttributes" -}}
{{- $attributes := list (printf "service.version=%s" (.root.Values.image.tag | default .root.Chart.AppVersion)) (printf "service.namespace=%s" .root.Release.Name) -}}
{{- range $key, $value := .root.Values.telemetry.resourceAttributes -}}
{{- $attributes = append $attributes (printf "%s=%s" $key $value) -}}
{{- end -}}
{{- join "," $attributes -}}
{{- end -}}

{{/* database.provider, checked: postgres or sqlserver; the development mode's in-release database is PostgreSQL. */}}
{{- define "painpro.databaseProvider" -}}
{{- $provider := .Values.database.provider | default "postgres" -}}
{{- if not (has $provider (list "postgres" "sqlserver")) -}}
{{- fail (printf "database.provider must be postgres or sqlserver, not %q" $provider) -}}
{{- end -}}
{{- if and .Values.dev.enabled (ne $provider "postgres") -}}
{{- fail "dev.enabled deploys PostgreSQL inside the release: database.provider must be postgres with it" -}}
{{- end -}}
{{- $provider -}}
{{- end -}}
