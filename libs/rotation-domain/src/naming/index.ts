export * from './rotor-username';
