// Replaced at build time would be nicer; reading package.json at run time breaks inside the .vsix layout.
export const VERSION = '0.1.0';
