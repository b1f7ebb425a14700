// Stand-ins for the theme variables VS Code injects into every webview (the values of its Light Modern,
// Dark Modern and High Contrast themes for the colours the panel uses), so the browser test can render the
// panel as a reviewer would see it in each.

const FONTS = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", monospace',
  'editor-font-size': '13px',
};

const LIGHT = {
  ...FONTS,
  foreground: '#3b3b3b', 'editor-background': '#ffffff', 'sideBar-background': '#f8f8f8', 'panel-border': '#e5e5e5',
  'editorWidget-background': '#f8f8f8', 'editorWidget-border': '#c8c8c8', descriptionForeground: '#616161', focusBorder: '#005fb8',
  'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-border': '#0000001a',
  'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
  'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece', 'input-placeholderForeground': '#767676',
  'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece',
  errorForeground: '#a1260d', 'editorWarning-foreground': '#bf8803', 'editorInfo-foreground': '#1a85ff',
  'textLink-foreground': '#005fb8', 'textLink-activeForeground': '#005fb8', 'textBlockQuote-background': '#f2f2f2', 'textCodeBlock-background': '#dcdcdc66',
  'list-hoverBackground': '#f2f2f2', 'list-inactiveSelectionBackground': '#e4e6f1',
  'editorLineNumber-foreground': '#6e7681', 'editorLineNumber-activeForeground': '#171184', 'editor-stackFrameHighlightBackground': '#ffff6673',
  'diffEditor-insertedTextBackground': '#9ccc2c40', 'toolbar-hoverBackground': '#b8b8b850', 'icon-foreground': '#424242',
  'inputValidation-errorBackground': '#f2dede', 'inputValidation-errorBorder': '#be1100', 'testing-iconPassed': '#388a34',
  'charts-blue': '#1a85ff', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90', 'charts-yellow': '#bf8803', 'charts-red': '#e51400',
  'editorGroup-border': '#e5e5e5',
};

const DARK = {
  ...FONTS,
  foreground: '#cccccc', 'editor-background': '#1f1f1f', 'sideBar-background': '#181818', 'panel-border': '#2b2b2b',
  'editorWidget-background': '#202020', 'editorWidget-border': '#454545', descriptionForeground: '#9d9d9d', focusBorder: '#0078d4',
  'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-border': '#ffffff12',
  'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
  'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c', 'input-placeholderForeground': '#989898',
  'dropdown-background': '#313131', 'dropdown-foreground': '#cccccc', 'dropdown-border': '#3c3c3c',
  errorForeground: '#f85149', 'editorWarning-foreground': '#cca700', 'editorInfo-foreground': '#3794ff',
  'textLink-foreground': '#4daafc', 'textLink-activeForeground': '#4daafc', 'textBlockQuote-background': '#2b2b2b', 'textCodeBlock-background': '#2b2b2b',
  'list-hoverBackground': '#2a2d2e', 'list-inactiveSelectionBackground': '#37373d',
  'editorLineNumber-foreground': '#6e7681', 'editorLineNumber-activeForeground': '#cccccc', 'editor-stackFrameHighlightBackground': '#ffff0033',
  'diffEditor-insertedTextBackground': '#9ccc2c33', 'toolbar-hoverBackground': '#5a5d5e50', 'icon-foreground': '#cccccc',
  'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-errorBorder': '#be1100', 'testing-iconPassed': '#73c991',
  'charts-blue': '#3794ff', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7', 'charts-yellow': '#cca700', 'charts-red': '#f14c4c',
  'editorGroup-border': '#ffffff17',
};

const HIGH_CONTRAST = {
  ...DARK,
  foreground: '#ffffff', 'editor-background': '#000000', 'sideBar-background': '#000000', 'panel-border': '#6fc3df',
  'editorWidget-background': '#0c141f', descriptionForeground: '#ffffffb3', focusBorder: '#f38518',
  contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518', 'button-background': '#000000', 'button-border': '#6fc3df',
  'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff', 'input-background': '#000000', 'input-border': '#6fc3df',
  'list-hoverBackground': '#000000', 'list-inactiveSelectionBackground': '#000000', 'editor-stackFrameHighlightBackground': '#ffff0033',
  'diffEditor-insertedTextBackground': '#00000000', 'textBlockQuote-background': '#000000', 'textCodeBlock-background': '#000000',
  'editorGroup-border': '#6fc3df', 'editorLineNumber-foreground': '#ffffff', errorForeground: '#f48771',
};

export const THEMES = { light: LIGHT, dark: DARK, 'high-contrast': HIGH_CONTRAST } as const;
export type ThemeName = keyof typeof THEMES;

/** Body classes VS Code sets per theme kind. */
export const BODY_CLASS: Record<ThemeName, string> = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast' };

/** A stylesheet declaring the theme's `--vscode-*` variables (VS Code sets the same on the page's html element). */
export function themeCss(name: ThemeName): string {
  const vars = Object.entries(THEMES[name]).map(([k, v]) => `  --vscode-${k}: ${v};`).join('\n');
  return `html {\n${vars}\n}\n`;
}
