// pipelines/list and pipelines/status (MLOps' own endpoints over dvc.yaml files; never runs DVC).
import type { Handler } from '../context';
import { listPipelines, pipelineOverview } from '../../pipeline/overview';
import type { PipelineListResponse, PipelineStatusDto } from '../../../shared/dto';

export const list: Handler = ({ engine }) => ({ pipelines: listPipelines(engine.workspace) }) satisfies PipelineListResponse;
export const status: Handler = ({ engine, d }) => ({ ...pipelineOverview(engine.store, engine.workspace, d.reqStr('file')) }) satisfies PipelineStatusDto;
