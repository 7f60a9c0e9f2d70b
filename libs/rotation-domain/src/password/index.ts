export * from './password-requirements';
export * from './generate-password';
