// Settings that point at files or raise limits (lockstep.configFile, lockstep.maxFileSize) are taken from
// the user's own settings only while the workspace is untrusted: a cloned repository's .vscode/settings.json
// must not make the extension read /dev/zero or a file outside the tree. package.json declares them in
// `restrictedConfigurations`, so VS Code already drops the workspace values; this is the same rule applied
// by the extension itself, for editors that do not honour the declaration. No vscode import (unit-tested).

/** The parts of `WorkspaceConfiguration.inspect()` this reads. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
  /** Language-specific values: they live in the same settings files, so the same rule applies. */
  defaultLanguageValue?: T;
  globalLanguageValue?: T;
  workspaceLanguageValue?: T;
  workspaceFolderLanguageValue?: T;
}

/**
 * The value to use: in a trusted workspace the effective one (`effective`, as `get()` gives it); in an
 * untrusted one the user's value (language-specific first), else the default.
 */
export function trustedValue<T>(effective: T | undefined, inspected: InspectedSetting<T> | undefined, trusted: boolean): T | undefined {
  if (trusted) return effective;
  if (!inspected) return undefined;
  return inspected.globalLanguageValue ?? inspected.globalValue ?? inspected.defaultLanguageValue ?? inspected.defaultValue;
}
