# Sourced by the scripts in bin/: sets JAVA_HOME and JAVA to a JDK >= 25.
# Uses $JAVA_HOME when it is >= 25, else the newest /usr/lib/jvm/*25* (or later) JDK.
jdk_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'; }
pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(jdk_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
    return
  fi
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/javac" ] || continue
    v="$(jdk_major "$d")"
    if [ "${v:-0}" -ge 25 ] 2>/dev/null; then JAVA_HOME="$d"; return; fi
  done
  echo "sextant: no JDK >= 25 found (set JAVA_HOME or install Temurin 25 under /usr/lib/jvm)" >&2
  exit 1
}
pick_jdk
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's bundled Guava calls sun.misc.Unsafe; JDK 25 warns about it on every build. Silence that.
case " ${MAVEN_OPTS:-} " in
  *sun-misc-unsafe-memory-access*) ;;
  *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
esac
