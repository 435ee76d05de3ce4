import { describe } from 'vitest';
import { machineSpecs } from '../../machines/index.js';
import { machineContract } from './contract.js';

describe.each(machineSpecs.map((spec) => [spec.name, spec] as const))(
  'the %s statechart keeps the contract',
  (_name, spec) => {
    machineContract(spec);
  },
);
