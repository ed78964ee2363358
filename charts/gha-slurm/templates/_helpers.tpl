{{/* Kubernetes names are DNS labels, so every name is cut to 63 characters. */}}

{{- define "gha-slurm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gha-slurm.fullname" -}}
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

{{/* A name derived from the full name with a suffix, still at most 63 characters. */}}
{{- define "gha-slurm.componentName" -}}
{{- $suffix := index . 1 }}
{{- $base := include "gha-slurm.fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-" }}
{{- printf "%s-%s" $base $suffix }}
{{- end }}

{{- define "gha-slurm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gha-slurm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gha-slurm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gha-slurm.labels" -}}
helm.sh/chart: {{ include "gha-slurm.chart" . }}
{{ include "gha-slurm.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "gha-slurm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gha-slurm.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "gha-slurm.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "gha-slurm.pvcName" -}}
{{- default (include "gha-slurm.componentName" (list . "data")) .Values.persistence.existingClaim }}
{{- end }}

{{/* Volume name of a cluster's Secret: cluster names may contain "_", which volume names may not. */}}
{{- define "gha-slurm.clusterVolume" -}}
{{- printf "cluster-%s" (sha256sum . | trunc 10) }}
{{- end }}

{{/* Paths where the Secrets are mounted; the rendered configuration points at them. */}}
{{- define "gha-slurm.secretsDir" -}}/etc/gha-slurm/secrets{{- end }}

{{/*
The configuration file: the `config` value with the listeners, the store path and
every secret replaced by the files that this chart mounts. Fails with the value
path when a required Secret is not named.
*/}}
{{- define "gha-slurm.config" -}}
{{- $config := deepCopy .Values.config }}
{{- $dir := include "gha-slurm.secretsDir" . }}
{{- $github := .Values.secrets.github }}
{{- $githubSecret := required "secrets.github.existingSecret is required: name a Secret that contains the App's private key and webhook secret" $github.existingSecret }}
{{- $launchSecret := required "secrets.launchToken.existingSecret is required: name a Secret that contains the launch token secret (at least 32 characters)" .Values.secrets.launchToken.existingSecret }}
{{- $githubConfig := merge (dict "privateKey" (dict "file" (printf "%s/github/%s" $dir $github.privateKeyKey)) "webhookSecret" (dict "file" (printf "%s/github/%s" $dir $github.webhookSecretKey))) (default (dict) $config.github) }}
{{- $_ := set $config "github" $githubConfig }}
{{- $runner := default (dict) $config.runner }}
{{- $_ := set $runner "launchTokenSecret" (dict "file" (printf "%s/launch-token/%s" $dir .Values.secrets.launchToken.key)) }}
{{- $_ := set $config "runner" $runner }}
{{- $clusters := list }}
{{- range $cluster := (default (list) $config.clusters) }}
{{- $secret := get $.Values.secrets.clusters $cluster.name }}
{{- if $secret }}
{{- $file := printf "%s/clusters/%s/%s" $dir $cluster.name $secret.key }}
{{- $auth := deepCopy (default (dict "type" "hs256") $cluster.auth) }}
{{- if eq $auth.type "hs256" }}{{- $_ := set $auth "keyFile" $file }}{{- end }}
{{- if eq $auth.type "rs256" }}{{- $_ := set $auth "privateKeyFile" $file }}{{- end }}
{{- if eq $auth.type "static" }}{{- $_ := set $auth "tokenFile" $file }}{{- end }}
{{- $cluster = merge (dict "auth" $auth) (omit $cluster "auth") }}
{{- end }}
{{- $clusters = append $clusters $cluster }}
{{- end }}
{{- $_ := set $config "clusters" $clusters }}
{{- $store := deepCopy (default (dict) $config.store) }}
{{- $_ := set $store "path" "/var/lib/gha-slurm/gha-slurm.db" }}
{{- $_ := set $config "store" $store }}
{{- $server := default (dict) $config.server }}
{{- $_ := set $server "webhook" (dict "host" "0.0.0.0" "port" (int .Values.containerPorts.webhook)) }}
{{- $_ := set $server "internal" (dict "host" "0.0.0.0" "port" (int .Values.containerPorts.internal)) }}
{{- $_ := set $config "server" $server }}
{{- toYaml $config }}
{{- end }}
